import { liveKey } from './redis';

/**
 * A stable 32-bit hash (FNV-1a over UTF-16 code units): the same string lands on the same shard or
 * bucket in every process and every release, which is what keeps a viewer's presence in one place.
 */
export function stableHash(value: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < value.length; index++) {
    hash ^= value.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A key of one presence shard of a live. With one shard it is the live's own key,
 * `<prefix>:{live:<id>}:<suffix>`, exactly as before sharding; with N shards, shard `s` has its own
 * hash tag, `<prefix>:{live:<id>:<s>}:<suffix>`, so its keys share a slot and each shard a different
 * one. The live and viewers domains both write under these tags (the status copy and presence), so
 * each presence script reads its shard's status atomically with its shard's presence.
 */
export function liveShardKey(prefix: string, liveId: string, shard: number, shards: number, suffix: string): string {
  return shards === 1 ? liveKey(prefix, liveId, suffix) : `${prefix}:{live:${liveId}:${shard}}:${suffix}`;
}
