import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { adminApiDocument } from './openapi';

/** Writes the admin API's OpenAPI document to the file named by the first argument. */
async function main(file: string | undefined): Promise<void> {
  if (file === undefined) throw new Error('usage: write-openapi <file.json>');
  const document = await adminApiDocument();
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
