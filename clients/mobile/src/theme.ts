import { PixelRatio } from 'react-native';

export const colors = {
  background: '#F4F5F7',
  surface: '#FFFFFF',
  text: '#16181D',
  muted: '#6B7280',
  border: '#E3E6EB',
  placeholder: '#E8EBF0',
  primary: '#2F5BEA',
  onPrimary: '#FFFFFF',
  success: '#12805C',
  danger: '#C62828',
  noticeBackground: '#FFF6E0',
  noticeText: '#7A5300',
} as const;

export const spacing = { xs: 4, s: 8, m: 12, l: 16, xl: 24 } as const;
export const radius = { s: 8, m: 12, pill: 999 } as const;
export const cardShadow = '0 1px 3px rgba(16, 24, 40, 0.08)';

/**
 * The device pixel ratio the thumbnails are asked for (`card(dpr:)`): sharp on this screen,
 * and one of few values, so the feed's GETs still share cache entries between devices.
 */
export const THUMBNAIL_DPR = Math.min(3, Math.max(1, Math.round(PixelRatio.get())));

/** Pixel width of full-width product images: a phone's ~400 points at the same few ratios. */
export const GALLERY_IMAGE_WIDTH = 400 * THUMBNAIL_DPR;
