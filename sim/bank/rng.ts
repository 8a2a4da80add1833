/**
 * A deterministic random stream for generated bank data: the same seed always yields the same numbers, so a
 * statement for a given user, account and day is identical on every request (stable FITIDs, no duplicates on
 * re-sync). Bytes come from SHA-256 in counter mode; nothing here is for secrets.
 */
import { createHash } from 'node:crypto';

export class SeededRandom {
  private block = Buffer.alloc(0);
  private offset = 0;
  private counter = 0;

  constructor(private readonly seed: string) {}

  private nextUint32(): number {
    if (this.offset + 4 > this.block.length) {
      this.block = createHash('sha256').update(`${this.seed}#${this.counter++}`).digest();
      this.offset = 0;
    }
    const value = this.block.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + (this.nextUint32() % (max - min + 1));
  }

  /** True with the given chance in percent. */
  chance(percent: number): boolean {
    return this.int(0, 99) < percent;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }
}
