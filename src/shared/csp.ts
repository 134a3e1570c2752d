/**
 * The one Content-Security-Policy of every page Flowlab serves, in the desktop window (a response
 * header) and in the browser console (a header from the gateway): only this origin's scripts,
 * styles and sockets; no inline script, no eval, no framing. React sets styles through the CSSOM,
 * which CSP allows. The renderer's index.html carries the same policy in a meta tag.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')
