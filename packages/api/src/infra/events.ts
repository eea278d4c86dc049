import type { z } from 'zod';

/** A domain event: a name and the zod schema of its payload, declared by the domain that emits it. */
export interface EventDefinition<TType extends string = string, TSchema extends z.ZodType = z.ZodType> {
  type: TType;
  schema: TSchema;
}

export function defineEvent<TType extends string, TSchema extends z.ZodType>(
  type: TType,
  schema: TSchema,
): EventDefinition<TType, TSchema> {
  return { type, schema };
}

export type EventPayload<TEvent extends EventDefinition> = z.infer<TEvent['schema']>;
