/** Reads a task's extra JSON file (catalog, vocabulary); errors name what it is and the file. */
import { readFileSync } from 'node:fs';

export function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${what} ${file}: cannot be read (${(error as Error).message})`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${what} ${file}: must be valid JSON (${(error as Error).message})`, { cause: error });
  }
}
