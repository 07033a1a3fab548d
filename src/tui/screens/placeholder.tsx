import { Box, Text } from 'ink';
import { Footer } from '../components.js';
import type { ScreenProps } from './types.js';

/** A screen whose domain module has not landed yet. */
export function PlaceholderScreen({ theme, width, height, what }: ScreenProps & { what: string }) {
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Box flexGrow={1}>
        <Text {...theme.muted}>{what} is not available in this build yet.</Text>
      </Box>
      <Footer keymaps={[]} theme={theme} width={width} />
    </Box>
  );
}
