/**
 * The dashboard's Content-Security-Policy: only its own hashed script and stylesheet, no inline
 * code, no eval, no other origin. `connect-src 'self'` covers the REST calls and the WebSocket
 * (CSP 3 matches ws:/wss: of the page's own host to 'self'). Images are data:/blob: URLs the app
 * makes itself (dataset samples drawn on a canvas, an image picked for predict).
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
