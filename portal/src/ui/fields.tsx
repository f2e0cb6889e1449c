/**
 * The form controls every page uses: a labelled field and a select of known values (the
 * value chosen is one of the options, so no cast of the event's string is needed).
 */
import type { ComponentChildren } from 'preact';

export function Field({
  id,
  label,
  children,
}: {
  id: string;
  label: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
    </div>
  );
}

export interface Option<T extends string> {
  value: T;
  label: string;
}

export function Select<T extends string>({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: ComponentChildren;
  value: T;
  options: readonly Option<T>[];
  onChange(value: T): void;
}) {
  return (
    <Field id={id} label={label}>
      <select
        id={id}
        value={value}
        onChange={(e) => {
          const chosen = options.find((o) => o.value === e.currentTarget.value);
          if (chosen) onChange(chosen.value);
        }}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}
