import { ErrorLink } from '@apollo/client/link/error';
import { ErrorCode, hasErrorCode, requiresAppUpdate } from './error-codes';

export interface AppAlerts {
  /** The token is missing, expired or revoked: drop it and ask the user to sign in. */
  onUnauthenticated(): void;
  /** The BFF no longer serves this build: only an update helps. */
  onUpdateRequired(): void;
}

/** The errors the whole app answers, whichever screen's operation met them. */
export function appAlertsLink(alerts: AppAlerts): ErrorLink {
  return new ErrorLink(({ error }) => {
    if (requiresAppUpdate(error)) alerts.onUpdateRequired();
    else if (hasErrorCode(error, ErrorCode.UNAUTHENTICATED)) alerts.onUnauthenticated();
  });
}
