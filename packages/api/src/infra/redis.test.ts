import { describe, expect, it } from 'vitest';
import { eventStreamKey, keySlot, queuePrefix } from './redis';

describe('keySlot', () => {
  it('is CRC16 of the hash tag, or of the whole key, modulo 16384 (as Redis Cluster computes it)', () => {
    expect(keySlot('foo')).toBe(12_182);
    expect(keySlot('123456789')).toBe(0x31c3 % 16_384);
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    // An empty tag is no tag: the whole key is hashed; only the first tag counts.
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar'));
    expect(keySlot('foo{bar}{zap}')).toBe(keySlot('bar'));
  });

  it('puts every key of one queue, and the event stream with its dead letters, in one slot', () => {
    const queue = queuePrefix('onair', 'short-video');
    expect(
      new Set([`${queue}:short-video:wait`, `${queue}:short-video:meta`, `${queue}:short-video:1`].map(keySlot)).size,
    ).toBe(1);
    expect(keySlot(`${eventStreamKey('onair')}:dead`)).toBe(keySlot(eventStreamKey('onair')));
  });
});
