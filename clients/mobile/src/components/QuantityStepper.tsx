import { Pressable, StyleSheet, Text, View } from 'react-native';
import { colors, radius } from '../theme';

/** − n +, from 1 to `max`. */
export function QuantityStepper({ value, max, onChange }: { value: number; max: number; onChange(value: number): void }) {
  return (
    <View style={styles.row}>
      <Step label="−" accessibilityLabel="Fewer" disabled={value <= 1} onPress={() => onChange(value - 1)} />
      <Text style={styles.value} accessibilityLabel={`Quantity ${value}`}>
        {value}
      </Text>
      <Step label="+" accessibilityLabel="More" disabled={value >= max} onPress={() => onChange(value + 1)} />
    </View>
  );
}

function Step({ label, accessibilityLabel, disabled, onPress }: { label: string; accessibilityLabel: string; disabled: boolean; onPress(): void }) {
  return (
    <Pressable accessibilityRole="button" accessibilityLabel={accessibilityLabel} disabled={disabled} onPress={onPress} style={[styles.step, disabled && styles.disabled]}>
      <Text style={styles.stepLabel}>{label}</Text>
    </Pressable>
  );
}

const styles = StyleSheet.create({
  row: { flexDirection: 'row', alignItems: 'center', borderWidth: 1, borderColor: colors.border, borderRadius: radius.m, backgroundColor: colors.surface },
  step: { width: 44, height: 46, alignItems: 'center', justifyContent: 'center' },
  disabled: { opacity: 0.3 },
  stepLabel: { fontSize: 22, color: colors.primary },
  value: { minWidth: 28, textAlign: 'center', fontSize: 16, fontWeight: '600', color: colors.text },
});
