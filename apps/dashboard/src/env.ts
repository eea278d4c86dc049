import { z } from 'zod';

/**
 * The dashboard server's configuration, read at run time (not NEXT_PUBLIC_: those are inlined at
 * build, and the API's address belongs to the deployment, not to the build).
 */
const envSchema = z.object({
  API_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .default('http://localhost:4000')
    .transform((url) => url.replace(/\/+$/, '')),
});

function loadEnv() {
  const parsed = envSchema.safeParse({ API_URL: process.env.API_URL || undefined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `Invalid configuration: ${String(issue?.path[0] ?? 'environment')} ${issue?.message ?? 'is invalid'}`,
    );
  }
  return parsed.data;
}

export const env = loadEnv();

/** The API's tRPC endpoint, as the dashboard server reaches it. */
export const apiTrpcUrl = `${env.API_URL}/trpc`;
