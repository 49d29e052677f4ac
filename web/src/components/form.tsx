import type { InputHTMLAttributes, ReactNode } from 'react';

/** A labelled text input for a string held in state; other attributes go to the input. */
export function TextField({
  label,
  value,
  onChange,
  ...input
}: {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  return (
    <label>
      {label}
      <input value={value} onChange={(e) => onChange(e.target.value)} {...input} />
    </label>
  );
}

/** A labelled drop-down of `[value, text]` options for a string held in state. */
export function SelectField({
  label,
  value,
  onChange,
  options,
}: {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  options: readonly (readonly [value: string, text: ReactNode])[];
}) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}
