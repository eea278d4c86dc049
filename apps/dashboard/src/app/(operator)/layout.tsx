import type { ReactNode } from 'react';
import { AppHeader } from '@/components/app-header';
import { QueryProvider } from '@/components/query-provider';

/**
 * The signed-in operator's pages share the header and one query cache; each page checks the session
 * itself and prefetches its data into that cache on the server.
 */
export default function OperatorLayout({ children }: { children: ReactNode }) {
  return (
    <QueryProvider>
      <AppHeader />
      {children}
    </QueryProvider>
  );
}
