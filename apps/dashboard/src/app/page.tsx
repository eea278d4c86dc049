import { redirect } from 'next/navigation';
import { AppHeader } from '@/components/app-header';
import { LivesBoard } from '@/components/lives/lives-board';
import { isUnauthorized } from '@/lib/errors';
import { LIVES_PAGE_SIZE } from '@/lib/lives';
import { serverApi } from '@/lib/server-api';
import { readOperatorToken } from '@/lib/session';

export default async function LivesPage() {
  const token = await readOperatorToken();
  if (!token) redirect('/sign-in');

  const api = serverApi(token);
  // One batched request: the first page, and whether the API still accepts the token.
  const [firstPage, session] = await Promise.allSettled([
    api.live.list.query({ limit: LIVES_PAGE_SIZE }),
    api.operator.session.query(),
  ]);
  if (session.status === 'rejected' && isUnauthorized(session.reason)) redirect('/sign-in?expired=1');
  if (firstPage.status === 'rejected') throw firstPage.reason;

  return (
    <>
      <AppHeader />
      <LivesBoard initialPage={firstPage.value} />
    </>
  );
}
