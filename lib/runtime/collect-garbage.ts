import v8 from 'node:v8';
import vm from 'node:vm';

// A full garbage collection on demand. An upload's buffer (up to 160 MB) is freed only when V8 next collects: admitting
// the next large upload before that would hold both at once. Node gives no public call, so the flag is set at run time.

let collect: (() => void) | undefined;

export function collectGarbage(): void {
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  collect();
}
