// Debian's Chromium as every browser test and script here launches it: no browser download, and no connection out
// (without the background-networking flags it tries Google's hosts at every start, refused on a closed network).
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
