import type { RouterOutputs } from '@onair/client';

export type DemoAudiences = RouterOutputs['demo']['audiences'];
