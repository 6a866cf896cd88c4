import { randomBytes, randomInt } from 'node:crypto';

// ObjectId layout: 4 bytes of seconds, 5 random bytes fixed per process, a 3-byte counter.
// Ids made by one process therefore sort in creation order.
const processPart = randomBytes(5).toString('hex');
let counter = randomInt(0xffffff);

export function newId(now = Date.now()): string {
  counter = (counter + 1) % 0x1000000;
  const time = Math.floor(now / 1000).toString(16).padStart(8, '0');
  return time + processPart + counter.toString(16).padStart(6, '0');
}
