'use client';

import { type FormEvent, useId, useState } from 'react';
import { browserApi } from '@/lib/browser-api';
import type { LiveSession } from '@/lib/lives';
import styles from './create-live-form.module.css';

interface CreateLiveFormProps {
  onCreated: (live: LiveSession) => void;
  onError: (error: unknown) => void;
}

export function CreateLiveForm({ onCreated, onError }: CreateLiveFormProps) {
  const [title, setTitle] = useState('');
  const [pending, setPending] = useState(false);
  const inputId = useId();

  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    try {
      onCreated(await browserApi().live.create.mutate({ title }));
      setTitle('');
    } catch (error) {
      onError(error);
    } finally {
      setPending(false);
    }
  };

  return (
    <form className={styles.form} onSubmit={create} aria-label="Create a live">
      <div className="field">
        <label className="label" htmlFor={inputId}>
          Title
        </label>
        <input
          id={inputId}
          className="input"
          name="title"
          value={title}
          onChange={(event) => setTitle(event.target.value)}
          required
          maxLength={120}
          placeholder="e.g. Spring sneakers drop"
          autoComplete="off"
        />
      </div>
      <button className="button" type="submit" disabled={pending}>
        {pending ? 'Creating…' : 'Create live'}
      </button>
    </form>
  );
}
