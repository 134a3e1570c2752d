import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8'
}

/**
 * Reads a file of the built renderer, refusing any path that escapes `root` (`..`, absolute,
 * encoded separators). Unknown paths fall back to index.html, as a single-page app expects.
 */
export async function readStatic(
  root: string,
  urlPath: string
): Promise<{ body: Buffer; type: string } | null> {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0')) return null
  const relative = normalize(decoded === '/' ? '/index.html' : decoded).replace(/^([/\\])+/, '')
  const full = join(root, relative)
  if (full !== root && !full.startsWith(root.endsWith(sep) ? root : root + sep)) return null
  try {
    return { body: await readFile(full), type: MIME[extname(full)] ?? 'application/octet-stream' }
  } catch {
    if (extname(relative)) return null
    try {
      return { body: await readFile(join(root, 'index.html')), type: MIME['.html'] as string }
    } catch {
      return null
    }
  }
}
