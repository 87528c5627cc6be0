import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UploadError } from '../errors';
import { examplesFor, findExample, type ExamplePage } from './catalogue';

// An example as the page's form would send it: its file in the form's `flair` field, and its name in `example`.

/** <cwd>/public/examples: beside the server in a standalone build and the Docker image too (scripts/build-standalone.sh). */
const folder = () => path.join(process.cwd(), 'public', 'examples');

/** The named example's file; a name not on the page's list is a 400, never read as a path. */
export async function exampleFile(page: ExamplePage, name: string): Promise<{ name: string; bytes: Uint8Array<ArrayBuffer> }> {
  const example = findExample(page, name);
  if (!example) {
    throw new UploadError(`There is no example called “${name.slice(0, 40)}” here; the examples are ${examplesFor(page).map((e) => e.name).join(', ')}.`, 400);
  }
  return { name: example.file, bytes: new Uint8Array(await readFile(path.join(folder(), example.file))) };
}

export async function exampleForm(page: ExamplePage, name: string): Promise<FormData> {
  const file = await exampleFile(page, name);
  const form = new FormData();
  form.set('flair', new File([file.bytes], file.name));
  form.set('example', name);
  return form;
}
