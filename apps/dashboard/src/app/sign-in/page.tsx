import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/sign-in-form';
import { readOperatorToken } from '@/lib/session';
import styles from './sign-in.module.css';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: PageProps<'/sign-in'>) {
  const { expired } = await searchParams;
  // A refused token is still in the cookie until the next sign-in: only skip this page without one.
  if (!expired && (await readOperatorToken())) redirect('/');
  return (
    <main className={styles.page}>
      <div className={`surface ${styles.card}`}>
        <h1 className={styles.title}>
          <span className={styles.dot} aria-hidden="true" /> OnAir operator
        </h1>
        {expired ? (
          <p className="notice">Your session ended or the token was revoked. Sign in again.</p>
        ) : (
          <p className={styles.hint}>Sign in with the operator token of this OnAir deployment.</p>
        )}
        <SignInForm />
      </div>
    </main>
  );
}
