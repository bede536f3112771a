import { useState } from 'react';
import { Image, StyleSheet, Text, View, type StyleProp, type ViewStyle } from 'react-native';
import { colors } from '../theme';

/**
 * An image over a neutral placeholder: the placeholder shows while it loads, and with
 * `label` (the image's alternative text) when there is none or it cannot be loaded, so a
 * card never shows a broken image.
 */
export function Thumbnail({ uri, label, style }: { uri: string | null; label: string; style?: StyleProp<ViewStyle> }) {
  const [failed, setFailed] = useState(false);
  return (
    <View style={[styles.placeholder, style]}>
      {failed || !uri ? (
        <Text style={styles.label} numberOfLines={3}>
          {label}
        </Text>
      ) : (
        <Image source={{ uri }} accessibilityLabel={label} resizeMode="cover" style={StyleSheet.absoluteFill} onError={() => setFailed(true)} />
      )}
    </View>
  );
}

const styles = StyleSheet.create({
  placeholder: { backgroundColor: colors.placeholder, overflow: 'hidden', alignItems: 'center', justifyContent: 'center' },
  label: { color: colors.muted, fontSize: 12, textAlign: 'center', paddingHorizontal: 8 },
});
