import { useId } from 'react';
import styles from './choice-filter.module.css';

export interface Choice<T extends string> {
  value: T;
  label: string;
  count?: number;
}

interface ChoiceFilterProps<T extends string> {
  legend: string;
  choices: readonly Choice<T>[];
  value: T;
  onChange: (value: T) => void;
}

/** One of a few choices, as native radio buttons: arrow keys move between them, screen readers announce the group. */
export function ChoiceFilter<T extends string>({ legend, choices, value, onChange }: ChoiceFilterProps<T>) {
  const name = useId();
  return (
    <fieldset className={styles.group}>
      <legend className={styles.legend}>{legend}</legend>
      {choices.map((choice) => (
        <label key={choice.value} className={styles.choice}>
          <input
            type="radio"
            name={name}
            value={choice.value}
            checked={value === choice.value}
            onChange={() => onChange(choice.value)}
          />
          {choice.label}
          {choice.count !== undefined && <span className={styles.count}>{choice.count}</span>}
        </label>
      ))}
    </fieldset>
  );
}
