import { Pressable, ScrollView, StyleSheet, Text } from 'react-native';
import type { FeedCategoriesQuery } from '../gql/graphql';
import { colors, radius, spacing } from '../theme';

type Category = FeedCategoriesQuery['categories'][number];

/** A row of chips that filter the feed by category; "All" (null) shows every product. */
export function CategoryChips({ categories, selectedId, onSelect }: { categories: Category[]; selectedId: string | null; onSelect(id: string | null): void }) {
  const chips = [{ id: null, label: 'All' }, ...categories.map((c) => ({ id: c.id, label: c.name }))];
  return (
    <ScrollView horizontal showsHorizontalScrollIndicator={false} style={styles.bar} contentContainerStyle={styles.row}>
      {chips.map(({ id, label }) => {
        const selected = id === selectedId;
        return (
          <Pressable key={id ?? 'all'} accessibilityRole="button" accessibilityState={{ selected }} onPress={() => onSelect(id)} style={[styles.chip, selected && styles.selected]}>
            <Text style={[styles.label, selected && styles.selectedLabel]}>{label}</Text>
          </Pressable>
        );
      })}
    </ScrollView>
  );
}

const styles = StyleSheet.create({
  // Only as tall as the chips: a horizontal ScrollView would otherwise stretch or shrink with its parent.
  bar: { flexGrow: 0, flexShrink: 0 },
  row: { paddingHorizontal: spacing.l, paddingVertical: spacing.m, gap: spacing.s },
  chip: { paddingHorizontal: 14, paddingVertical: 7, borderRadius: radius.pill, backgroundColor: colors.surface, borderWidth: 1, borderColor: colors.border },
  selected: { backgroundColor: colors.text, borderColor: colors.text },
  label: { fontSize: 14, color: colors.text },
  selectedLabel: { color: colors.surface, fontWeight: '600' },
});
