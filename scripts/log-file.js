#!/usr/bin/env node
// Copies standard input into a size-capped log file: `npm start` pipes each app's output (its
// stdout and stderr, and its supervisor's) through this, so apps only ever write to stdout and a
// long-running stack never fills the disk. The file turns over at LOG_FILE_SIZE (default 10M)
// and the LOG_FILE_KEEP (default 3) newest earlier files are kept as FILE.1 … FILE.N.
//   node scripts/log-file.js FILE
const path = require('node:path');
const { createStream } = require('rotating-file-stream');

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/log-file.js FILE');
  process.exit(2);
}
const keep = Number(process.env.LOG_FILE_KEEP || 3);
if (!Number.isInteger(keep) || keep < 1) {
  console.error(`LOG_FILE_KEEP must be a positive integer, not ${process.env.LOG_FILE_KEEP}`);
  process.exit(2);
}
const stream = createStream(path.basename(file), {
  path: path.dirname(path.resolve(file)),
  size: process.env.LOG_FILE_SIZE || '10M',
  rotate: keep,
});
// A log that cannot be written must not take the app down with it: were this process to exit,
// the app's and its supervisor's next write would meet a closed pipe and end them. So it says so
// on stderr and goes on reading, dropping the lines, until its input ends.
stream.on('error', (error) => {
  console.error(`[log-file] ${file}: ${error.message}; dropping this app's log until it restarts`);
  process.stdin.unpipe(stream);
  process.stdin.resume();
});
process.stdin.pipe(stream);
