import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const DB_SCRIPT = path.join(ROOT, 'scripts/db.js');

export function databaseUrlFor(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates database `name` on the server and runs every migration, as `npm start` would. */
export async function createMigratedDatabase(serverUrl: string, name: string): Promise<string> {
  const url = databaseUrlFor(serverUrl, name);
  await run(process.execPath, [DB_SCRIPT, 'migrate'], { cwd: ROOT, env: { DATABASE_URL: url } });
  return url;
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await run(process.execPath, [DB_SCRIPT, 'drop', name], {
    cwd: ROOT,
    env: { DATABASE_URL: databaseUrlFor(serverUrl, 'postgres') },
  });
}
