'use client';

import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Field } from '@/components/field';
import { receiveLive } from '@/lib/cache';
import { trpc } from '@/lib/trpc';
import styles from './create-live-form.module.css';

export function CreateLiveForm() {
  const [title, setTitle] = useState('');
  const queryClient = useQueryClient();
  const create = trpc.live.create.useMutation({
    onSuccess: (live) => {
      receiveLive(queryClient, live);
      setTitle('');
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate({ title });
  };

  return (
    <form className={`surface ${styles.form}`} onSubmit={submit} aria-label="Create a live">
      <Field
        label="Title"
        name="title"
        value={title}
        onChange={(event) => setTitle(event.target.value)}
        required
        maxLength={120}
        placeholder="e.g. Spring sneakers drop"
        autoComplete="off"
      />
      <button className="button" type="submit" disabled={create.isPending}>
        {create.isPending ? 'Creating…' : 'Create live'}
      </button>
    </form>
  );
}
