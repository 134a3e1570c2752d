import type { ReactNode } from 'react'

/**
 * The small Markdown of lesson texts, rendered as React elements (never as HTML, so a file cannot
 * inject markup): `#`/`##`/`###` headings, paragraphs, `-` lists, `**bold**`, `*italic*`, `` `code` ``.
 */

function inline(text: string, key: string): ReactNode[] {
  const out: ReactNode[] = []
  const re = /(\*\*[^*]+\*\*|\*[^*]+\*|_[^_\s][^_]*_|`[^`]+`)/g
  let last = 0
  let i = 0
  for (const m of text.matchAll(re)) {
    const at = m.index
    if (at > last) out.push(text.slice(last, at))
    const t = m[0]
    const k = `${key}-${i++}`
    if (t.startsWith('**')) out.push(<strong key={k}>{t.slice(2, -2)}</strong>)
    else if (t.startsWith('`')) out.push(<code key={k}>{t.slice(1, -1)}</code>)
    else out.push(<em key={k}>{t.slice(1, -1)}</em>)
    last = at + t.length
  }
  if (last < text.length) out.push(text.slice(last))
  return out
}

export function Markdown(props: { text: string; testId?: string }): ReactNode {
  const blocks = props.text.split(/\n{2,}/)
  return (
    <div className="markdown" data-testid={props.testId}>
      {blocks.map((block, b) => {
        const key = String(b)
        const heading = /^(#{1,3})\s+(.*)$/.exec(block)
        if (heading && !block.includes('\n')) {
          const level = heading[1]?.length ?? 1
          const body = inline(heading[2] ?? '', key)
          return level === 1 ? <h2 key={key}>{body}</h2> : <h3 key={key}>{body}</h3>
        }
        const lines = block.split('\n')
        if (lines.every((l) => /^\s*[-*]\s+/.test(l))) {
          return (
            <ul key={key}>
              {lines.map((l, i) => (
                <li key={i}>{inline(l.replace(/^\s*[-*]\s+/, ''), `${key}-${i}`)}</li>
              ))}
            </ul>
          )
        }
        return <p key={key}>{inline(lines.join(' '), key)}</p>
      })}
    </div>
  )
}
