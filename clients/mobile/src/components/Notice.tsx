import { StyleSheet, Text, View } from 'react-native';
import { colors, radius, spacing } from '../theme';

/** A small inline note about a part of the screen that could not be shown or done. */
export function Notice({ text, tone = 'warning' }: { text: string; tone?: 'warning' | 'error' }) {
  return (
    <View style={[styles.box, tone === 'error' && styles.errorBox]} accessibilityRole="alert">
      <Text style={[styles.text, tone === 'error' && styles.errorText]}>{text}</Text>
    </View>
  );
}

const styles = StyleSheet.create({
  box: { backgroundColor: colors.noticeBackground, borderRadius: radius.s, padding: spacing.m },
  errorBox: { backgroundColor: '#FDECEC' },
  text: { color: colors.noticeText, fontSize: 14 },
  errorText: { color: colors.danger },
});
