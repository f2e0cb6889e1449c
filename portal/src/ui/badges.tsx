import { useI18n } from '../i18n/i18n';

export function StateBadge({ state, onHold }: { state: string; onHold?: boolean }) {
  const { t, text } = useI18n();
  return (
    <span class="badges">
      <span class={`badge state-${state.toLowerCase()}`} data-state={state}>
        {text(`state.${state}`)}
      </span>
      {onHold && (
        <span class="badge hold" data-hold="true">
          {t('state.ON_HOLD')}
        </span>
      )}
    </span>
  );
}

export function actionLabel(text: (key: string) => string, action: string): string {
  return text(`action.${action}`);
}
