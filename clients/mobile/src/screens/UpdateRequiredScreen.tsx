import { StyleSheet, Text, View } from 'react-native';
import { APP_IDENTITY } from '../app-identity';
import { colors, spacing } from '../theme';

/**
 * The BFF no longer serves this build (UPGRADE_REQUIRED, or its operations have left the
 * safelist: PERSISTED_QUERY_NOT_IN_LIST). Nothing in this build can work any more; on a
 * device this screen would link to the store.
 */
export function UpdateRequiredScreen() {
  return (
    <View style={styles.screen}>
      <Text style={styles.title}>Please update the app</Text>
      <Text style={styles.text}>This version ({APP_IDENTITY.version}) is no longer supported. Update to the latest version to keep shopping.</Text>
    </View>
  );
}

const styles = StyleSheet.create({
  screen: { flex: 1, alignItems: 'center', justifyContent: 'center', padding: spacing.xl, gap: spacing.m, backgroundColor: colors.background },
  title: { fontSize: 22, fontWeight: '700', color: colors.text, textAlign: 'center' },
  text: { fontSize: 15, lineHeight: 21, color: colors.muted, textAlign: 'center' },
});
