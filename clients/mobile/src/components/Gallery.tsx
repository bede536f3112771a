import { ScrollView, StyleSheet, useWindowDimensions } from 'react-native';
import { Thumbnail } from './Thumbnail';

interface GalleryImage {
  id: string;
  alt: string;
  url: string;
}

/** The product's images, full width, swiped one page at a time; a placeholder with the name when it has none. */
export function Gallery({ images, name }: { images: GalleryImage[]; name: string }) {
  const { width } = useWindowDimensions();
  const size = { width, height: width };
  if (images.length === 0) return <Thumbnail uri={null} label={name} style={size} />;
  return (
    <ScrollView horizontal pagingEnabled showsHorizontalScrollIndicator={false} style={styles.bar}>
      {images.map((image) => (
        <Thumbnail key={image.id} uri={image.url} label={image.alt} style={size} />
      ))}
    </ScrollView>
  );
}

// Only as tall as the images: a horizontal ScrollView would otherwise stretch or shrink with its parent.
const styles = StyleSheet.create({ bar: { flexGrow: 0, flexShrink: 0 } });
