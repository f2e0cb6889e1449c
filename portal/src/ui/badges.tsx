import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';

export function StateBadge({ state, onHold }: { state: string; onHold?: boolean }) {
  const { t } = useI18n();
  return (
    <span class="badges">
      <span class={`badge state-${state.toLowerCase()}`} data-state={state}>
        {t(`state.${state}` as MessageKey)}
      </span>
      {onHold && (
        <span class="badge hold" data-hold="true">
          {t('state.ON_HOLD')}
        </span>
      )}
    </span>
  );
}

export function actionLabel(t: (key: MessageKey) => string, action: string): string {
  return t(`action.${action}` as MessageKey);
}
