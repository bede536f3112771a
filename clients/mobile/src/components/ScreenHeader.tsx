import type { ReactNode } from 'react';
import { Pressable, StyleSheet, Text, View } from 'react-native';
import { colors, spacing } from '../theme';

/** The bar at the top of a screen: a back button when there is somewhere to go back to, the title, an action. */
export function ScreenHeader({ title, onBack, action }: { title: string; onBack?: () => void; action?: ReactNode }) {
  return (
    <View style={styles.bar}>
      <View style={styles.side}>
        {onBack && (
          <Pressable accessibilityRole="button" accessibilityLabel="Back" hitSlop={12} onPress={onBack}>
            <Text style={styles.back}>‹ Back</Text>
          </Pressable>
        )}
      </View>
      <Text style={styles.title} numberOfLines={1} accessibilityRole="header">
        {title}
      </Text>
      <View style={[styles.side, styles.right]}>{action}</View>
    </View>
  );
}

/** A text button for the header's action slot. */
export function HeaderAction({ title, onPress }: { title: string; onPress(): void }) {
  return (
    <Pressable accessibilityRole="button" hitSlop={12} onPress={onPress}>
      <Text style={styles.back}>{title}</Text>
    </Pressable>
  );
}

const styles = StyleSheet.create({
  bar: {
    height: 52,
    flexDirection: 'row',
    alignItems: 'center',
    paddingHorizontal: spacing.l,
    backgroundColor: colors.surface,
    borderBottomWidth: StyleSheet.hairlineWidth,
    borderBottomColor: colors.border,
  },
  side: { width: 80 },
  right: { alignItems: 'flex-end' },
  title: { flex: 1, textAlign: 'center', fontSize: 17, fontWeight: '600', color: colors.text },
  back: { fontSize: 16, color: colors.primary },
});
