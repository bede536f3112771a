import { ActivityIndicator, Pressable, StyleSheet, Text } from 'react-native';
import { colors, radius, spacing } from '../theme';

interface ButtonProps {
  title: string;
  onPress(): void;
  variant?: 'primary' | 'secondary';
  disabled?: boolean;
  /** Shows a spinner in place of the title, and ignores presses. */
  busy?: boolean;
}

export function Button({ title, onPress, variant = 'primary', disabled = false, busy = false }: ButtonProps) {
  const primary = variant === 'primary';
  return (
    <Pressable
      accessibilityRole="button"
      accessibilityState={{ disabled: disabled || busy, busy }}
      disabled={disabled || busy}
      onPress={onPress}
      style={({ pressed }) => [styles.button, primary ? styles.primary : styles.secondary, (disabled || pressed) && styles.dimmed]}
    >
      {busy ? <ActivityIndicator color={primary ? colors.onPrimary : colors.primary} /> : <Text style={[styles.title, primary ? styles.primaryTitle : styles.secondaryTitle]}>{title}</Text>}
    </Pressable>
  );
}

const styles = StyleSheet.create({
  button: { minHeight: 48, borderRadius: radius.m, paddingHorizontal: spacing.l, alignItems: 'center', justifyContent: 'center' },
  primary: { backgroundColor: colors.primary },
  secondary: { backgroundColor: colors.surface, borderWidth: 1, borderColor: colors.border },
  dimmed: { opacity: 0.6 },
  title: { fontSize: 16, fontWeight: '600' },
  primaryTitle: { color: colors.onPrimary },
  secondaryTitle: { color: colors.primary },
});
