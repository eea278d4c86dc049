import { type ComponentProps, type ReactNode, useId } from 'react';

interface FieldProps extends Omit<ComponentProps<'input'>, 'id' | 'className'> {
  label: ReactNode;
  /** Classes beside `field` on the wrapper, for the field's place in its form. */
  className?: string;
  /** What is wrong with the value: shown after the field, announced, and tied to the input. */
  error?: string | null;
}

/** A labelled input of the shared form styles, its label and any error bound to it by generated ids. */
export function Field({ label, className, error, ...input }: FieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <>
      <div className={className ? `field ${className}` : 'field'}>
        <label className="label" htmlFor={id}>
          {label}
        </label>
        <input
          id={id}
          className="input"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          {...input}
        />
      </div>
      {error && (
        <p id={errorId} className="alert" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
