import type { ReactNode } from 'react';
import { AppHeader } from '@/components/app-header';

/** The signed-in operator's pages share the header; each page checks the session itself. */
export default function OperatorLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <AppHeader />
      {children}
    </>
  );
}
