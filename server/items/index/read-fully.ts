/** Positioned reads that fill the whole target (a single `readSync` may return less). */
import * as fs from 'node:fs';
import { IndexError } from './format';

/** Read `target.byteLength` bytes of `fd` from `position`; throws `IndexError` when the file ends first. */
export function readFully(fd: number, target: Uint8Array, position: number, file: string): void {
  let done = 0;
  while (done < target.byteLength) {
    const n = fs.readSync(fd, target, done, target.byteLength - done, position + done);
    if (n === 0) throw new IndexError(`${file}: item index ends early (truncated); rebuild it`);
    done += n;
  }
}
