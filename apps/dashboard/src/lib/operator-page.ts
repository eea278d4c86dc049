import { redirect } from 'next/navigation';
import { isUnauthorized } from './errors';
import { serverApi } from './server-api';
import { readOperatorToken } from './session';

export type ServerApi = ReturnType<typeof serverApi>;

/**
 * What an operator's page loads on the server, together with a check that the API still accepts the
 * token, in one batched request: no token, or a refused one, leads to sign-in; any other failure is
 * thrown to the page's error boundary.
 */
export async function loadOperatorPage<T>(load: (api: ServerApi) => Promise<T>): Promise<T> {
  const token = await readOperatorToken();
  if (!token) redirect('/sign-in');
  const api = serverApi(token);
  const [data, session] = await Promise.allSettled([load(api), api.operator.session.query()]);
  if (session.status === 'rejected' && isUnauthorized(session.reason)) redirect('/sign-in?expired=1');
  if (data.status === 'rejected') throw data.reason;
  return data.value;
}
