import type { RouterOutputs } from '@onair/client';

export type QueueCounts = RouterOutputs['queues']['counts'];
