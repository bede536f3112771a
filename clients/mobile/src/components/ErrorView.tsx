import { StyleSheet, Text, View } from 'react-native';
import { ErrorCode, hasErrorCode, isConnectionFailure } from '../apollo/error-codes';
import { colors, spacing } from '../theme';
import { Button } from './Button';

/**
 * A screen that could not load. A dropped connection, a server failure (5xx) or a subgraph
 * that is down may be gone on the next try, so it offers one; any other error would only repeat.
 */
export function ErrorView({ error, onRetry }: { error: unknown; onRetry(): void }) {
  const retryable = isConnectionFailure(error) || hasErrorCode(error, ErrorCode.SUBGRAPH_UNAVAILABLE);
  return (
    <View style={styles.center}>
      <Text style={styles.title}>{retryable ? 'Can’t reach the shop' : 'Something went wrong'}</Text>
      <Text style={styles.detail}>{retryable ? 'Check your connection and try again.' : 'This screen could not be shown.'}</Text>
      {retryable && <Button title="Try again" onPress={onRetry} />}
    </View>
  );
}

const styles = StyleSheet.create({
  center: { flex: 1, alignItems: 'center', justifyContent: 'center', padding: spacing.xl, gap: spacing.m },
  title: { fontSize: 18, fontWeight: '600', color: colors.text },
  detail: { fontSize: 14, color: colors.muted, textAlign: 'center' },
});
