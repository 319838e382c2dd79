/*
 * Vectorscan (Hyperscan) as a peer of Rewind's topic matcher, for the `match` bench suite only
 * (bench/peers.ts compiles this with the machine's cc against Debian's libvectorscan-dev; Rewind
 * does not depend on it).
 *
 *   vectorscan <patterns file> <text file>
 *
 * Patterns: one literal per line (UTF-8 bytes, no newline inside), compiled together with
 * hs_compile_lit_multi in block mode; pattern id = line number (0-based).
 * Text: the blocks back to back, each ended by '\n'; a match is given to the block its last byte
 * is in.
 *
 * Prints "ready <compile ns> <database bytes> <scratch bytes> <patterns> <text bytes> <blocks>",
 * then answers commands read from stdin, one per line:
 *   scan         one hs_scan over the whole text; prints "scan <wall ns> <thread CPU ns> <matches>".
 *                Matches are recorded (block, pattern id) in the callback: that is timed too.
 *   dump <file>  writes the last scan's matches as little-endian int32 pairs (block, id); prints "ok".
 *   quit         exits.
 */
#include <hs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    perror(path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(2);
  }
  buf[n] = 0;
  fclose(f);
  *size = (size_t)n;
  return buf;
}

static int64_t now_ns(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Offsets of the text's newlines (block k ends at newline k). */
static size_t *newlines;
static size_t blocks;

/* Matches of the last scan: (block, id) pairs. */
static int32_t *matches;
static size_t matchCount, matchCap;
/* The block of the previous match: matches come by increasing end offset, so the block is found by walking forward. */
static size_t cursor;

static int on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags, void *ctx) {
  (void)from;
  (void)flags;
  (void)ctx;
  size_t last = (size_t)to - 1;
  if (cursor > 0 && newlines[cursor - 1] >= last) {
    /* Out of order (not expected): search from the start. */
    cursor = 0;
  }
  while (cursor < blocks && newlines[cursor] < last) cursor++;
  if (matchCount == matchCap) {
    matchCap = matchCap == 0 ? 1 << 16 : matchCap * 2;
    matches = realloc(matches, matchCap * 2 * sizeof(int32_t));
    if (matches == NULL) {
      fprintf(stderr, "out of memory\n");
      exit(2);
    }
  }
  matches[matchCount * 2] = (int32_t)cursor;
  matches[matchCount * 2 + 1] = (int32_t)id;
  matchCount++;
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s <patterns file> <text file>\n", argv[0]);
    return 2;
  }
  size_t patternBytes, textBytes;
  char *patterns = read_file(argv[1], &patternBytes);
  char *text = read_file(argv[2], &textBytes);

  unsigned count = 0;
  for (size_t i = 0; i < patternBytes; i++) count += patterns[i] == '\n';
  const char **exprs = malloc(sizeof(char *) * (count + 1));
  size_t *lens = malloc(sizeof(size_t) * (count + 1));
  unsigned *ids = malloc(sizeof(unsigned) * (count + 1));
  unsigned *flags = calloc(count + 1, sizeof(unsigned));
  unsigned n = 0;
  for (size_t i = 0, start = 0; i < patternBytes; i++) {
    if (patterns[i] != '\n') continue;
    exprs[n] = patterns + start;
    lens[n] = i - start;
    ids[n] = n;
    n++;
    start = i + 1;
  }

  for (size_t i = 0; i < textBytes; i++) blocks += text[i] == '\n';
  newlines = malloc(sizeof(size_t) * (blocks + 1));
  for (size_t i = 0, k = 0; i < textBytes; i++)
    if (text[i] == '\n') newlines[k++] = i;

  hs_database_t *db = NULL;
  hs_compile_error_t *err = NULL;
  int64_t c0 = now_ns(CLOCK_MONOTONIC);
  if (hs_compile_lit_multi(exprs, flags, ids, lens, n, HS_MODE_BLOCK, NULL, &db, &err) != HS_SUCCESS) {
    fprintf(stderr, "hs_compile_lit_multi: %s (expression %d)\n", err->message, err->expression);
    hs_free_compile_error(err);
    return 3;
  }
  int64_t compileNs = now_ns(CLOCK_MONOTONIC) - c0;
  hs_scratch_t *scratch = NULL;
  if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
    fprintf(stderr, "hs_alloc_scratch failed\n");
    return 3;
  }
  size_t dbSize = 0, scratchSize = 0;
  hs_database_size(db, &dbSize);
  hs_scratch_size(scratch, &scratchSize);
  printf("ready %lld %zu %zu %u %zu %zu\n", (long long)compileNs, dbSize, scratchSize, n, textBytes, blocks);
  fflush(stdout);

  char line[4096];
  while (fgets(line, sizeof line, stdin) != NULL) {
    line[strcspn(line, "\n")] = 0;
    if (strcmp(line, "scan") == 0) {
      matchCount = 0;
      cursor = 0;
      int64_t w0 = now_ns(CLOCK_MONOTONIC), t0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
      if (hs_scan(db, text, (unsigned)textBytes, 0, scratch, on_match, NULL) != HS_SUCCESS) {
        fprintf(stderr, "hs_scan failed\n");
        return 3;
      }
      int64_t wall = now_ns(CLOCK_MONOTONIC) - w0, cpu = now_ns(CLOCK_THREAD_CPUTIME_ID) - t0;
      printf("scan %lld %lld %zu\n", (long long)wall, (long long)cpu, matchCount);
    } else if (strncmp(line, "dump ", 5) == 0) {
      FILE *f = fopen(line + 5, "wb");
      if (f == NULL || fwrite(matches, sizeof(int32_t) * 2, matchCount, f) != matchCount) {
        fprintf(stderr, "cannot write %s\n", line + 5);
        return 2;
      }
      fclose(f);
      printf("ok\n");
    } else if (strcmp(line, "quit") == 0) {
      break;
    } else {
      fprintf(stderr, "unknown command %s\n", line);
      return 2;
    }
    fflush(stdout);
  }
  hs_free_scratch(scratch);
  hs_free_database(db);
  return 0;
}
