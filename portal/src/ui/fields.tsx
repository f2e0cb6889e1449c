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
  /** The language of the label, where it is not the page's (a language's own name). */
  lang?: string;
}

/** What a form passes on to its select element. */
interface ChoiceAttributes {
  id?: string;
  name?: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
  'aria-required'?: boolean;
}

/**
 * The bare select of known values; `attributes` go to the element as they are. The change handler gets one of the options' values, never a free string.
 */
export function Choice<T extends string>({
  value,
  options,
  onChange,
  ...attributes
}: {
  value: T | '';
  options: readonly Option<T>[];
  onChange(value: T): void;
} & ChoiceAttributes) {
  return (
    <select
      {...attributes}
      value={value}
      onChange={(e) => {
        const chosen = options.find((o) => o.value === e.currentTarget.value);
        if (chosen) onChange(chosen.value);
      }}
    >
      {options.map((o) => (
        <option key={o.value} value={o.value} lang={o.lang}>
          {o.label}
        </option>
      ))}
    </select>
  );
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
      <Choice id={id} value={value} options={options} onChange={onChange} />
    </Field>
  );
}
