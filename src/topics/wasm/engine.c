/*
 * Topic detection for whole batches of blocks, compiled to WebAssembly (src/topics/wasm/build.sh;
 * the .wasm is committed). It is the JavaScript engine's `topicIndexes` (src/topics/detector.ts,
 * src/topics/vocabulary.ts), step for step, over the same words, ids, hashes, automaton and
 * gapped patterns, which the JavaScript side compiles and copies into this module's memory
 * (src/topics/wasmEngine.ts), some of them laid out for this engine (the automaton's transitions
 * with failure links resolved, per-node and per-word signatures): the same topics in the same
 * order. The tests compare the two engines (and the brute-force reference) on randomized models
 * and corpora.
 *
 * Text arrives as UTF-16 code units (one copy from the JavaScript string: no encoding). The scan
 * takes short ASCII words from SIMD bit masks (see `scan`); everything else goes one code unit
 * at a time through one table: an entry >= 0 is (normalized unit << 8 | 6-bit code), the code
 * being 1-36 for a-z 0-9 and 0 for any other unit; a negative entry is a separator, an
 * apostrophe (nothing), or a rare case the JavaScript side answers (imports `entry`, `sequence`).
 */
typedef unsigned int u32;
typedef int i32;
typedef unsigned short u16;
typedef unsigned char u8;
typedef signed char i8;
typedef unsigned long long u64;

#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define IMPORT(name) __attribute__((import_module("env"), import_name(name)))

/* The packed table entry of code unit c, computed by the JavaScript normalizer. */
IMPORT("entry") i32 js_entry(i32 c);
/* The normalized sequence of a complex BMP code unit or an astral code point, written to `out`
 * (units >= 0, -1 for a word break); returns its length. */
IMPORT("sequence") i32 js_sequence(i32 codePoint, i32 *out);

enum { UNKNOWN = -1, BREAK = -2, SKIP = -3, COMPLEX = -4, HIGH_SURROGATE = -5 };
#define MASK30 0x3fffffffu
#define EXACT_LENGTH 10u
#define LONG 0x40000000u
#define FNV_OFFSET 0x811c9dc5u
#define FNV_PRIME 0x01000193u
#define MAX_GAP 5

/* Transition of a non-root node (its own, or copied from its failure nodes), open addressing
 * (from -1: empty). */
typedef struct {
  i32 from, word, to, pad;
} Edge;
/* Per vocabulary word: its root transition, the largest gap of the gapped patterns starting
 * with it (0: none), and a 128-bit signature of those patterns' second words (bit v & 127).
 * Padded to 32 bytes (the table is 64-byte aligned): one never straddles two cache lines. */
typedef struct {
  i32 rootNext, maxGap;
  u64 second[2];
  u64 pad;
} WordInfo;

typedef struct {
  i32 empty, topicCount;
  /* Per node (see resolvedTransitions in wasmTransitions.ts): a 64-bit signature of the words of its
   * transitions (bit w & 63; all bits where the walk goes on at nodeNext; none for the root),
   * and its topics nodeTopics[nodeTopicStart[v] .. nodeTopicStart[v + 1]). */
  const u64 *nodeSig;
  const i32 *nodeNext;
  const i32 *nodeTopicStart, *nodeTopics;
  const Edge *edges;
  u32 edgeMask;
  const WordInfo *words;
  const i32 *pairFirst, *pairSecond, *pairStart, *pairEnd;
  u32 pairMask;
  const i32 *gByPair;
  /* Gapped pattern p: words gWords[gWordStart[p] .. gWordStart[p + 1]), gap gGap[p],
   * topics gTopics[gTopicStart[p] .. gTopicStart[p + 1]). */
  const i32 *gWordStart, *gWords, *gGap, *gTopicStart, *gTopics;
} Matcher;

/* Vocabulary (see src/topics/vocabulary.ts). */
static i32 *tab;
static const i32 *aSlots;
static u32 aMask;
static const i32 *gIds, *gHashes;
static u32 gMask;
static const u16 *vchars;
static const i32 *vstarts;
static u32 maxLength, lengthBits;
/* The current word's normalized units (index & curMask; only read when len <= maxLength). */
static u16 *cur;
static u32 curMask;
static i32 *seqBuf;
static i32 *topicStamp;
static i32 topicTotal;
static i32 epoch;
static Matcher M[2];
/* Scan output: (vocabulary id, word index) of the phrase words of a block, at most scanCap
 * (<= SCAN_MAX) of them; each buffer has room for 64 more: the fast path checks once per window,
 * and writes before it knows whether a word counts. In the module's own memory: their addresses
 * are constants in the code, not values the scan keeps in registers. */
#define SCAN_MAX 32768
static i32 scanIds[SCAN_MAX + 64], scanPos[SCAN_MAX + 64];
static i32 scanCap, scanCount, nwords, overflow;
/* A 128-bit signature of the block's phrase words (bit id & 127), made by the scan. ORed in
 * memory word by word: kept in locals, its halves were two more values V8 spilled in the scan. */
static u64 scanSig[2];
static i32 status;

static const u8 CODE[128] = {
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 0, 0, 0, 0, 0
};

static inline u32 mix(u32 lo, u32 hi) {
  u32 h = (lo ^ (hi * 0x9e3779b1u)) * 0x85ebca6bu;
  return h ^ (h >> 16);
}

static inline u32 edgeSlot(u32 from, u32 word, u32 mask) {
  u32 h = (from ^ (word * 0x9e3779b1u)) * 0x85ebca6bu;
  return (h ^ (h >> 15)) & mask;
}

/* Short ASCII words keyed by their 16 bytes (case-folded by foldMask, zero-padded): see `init`. */
typedef struct {
  u64 a, b;
  i32 id, pad;
} FastSlot;
static FastSlot *fast;
/* The words the scan met lately, phrase words or not (id -1): a direct-mapped cache in front of
 * `fast`, indexed by other bits of the same hash. 2,048 slots (48 KB) mostly stay in the core's
 * first-level cache; `fast` has room for twice the vocabulary (196 KB at 2,000 phrases). */
#define RECENT_BITS 11
#define RECENT_MASK ((1u << RECENT_BITS) - 1)
static FastSlot recent[1u << RECENT_BITS];
static u32 fastBits;
static i32 vocabSize;
/* foldMask[n]: the first n bytes 0xdf, the rest 0 (filled by `init`): ANDed with a word's
 * bytes, it folds case (letters to upper case, digits to 0x10 .. 0x19) and clears what follows. */
static v128_t foldMask[17];

static inline u64 keyHash(u64 a, u64 b) { return (a * 0x9E3779B97F4A7C15ull) ^ (b * 0xC2B2AE3D27D4EB4Full); }
static inline u32 fastHash(u64 a, u64 b) { return (u32)(keyHash(a, b) >> (64 - fastBits)); }

/* Reads the model's header: the pointers and sizes in the order wasmEngine.ts writes them. */
static const i32 *hp;
static inline i32 next(void) { return *hp++; }
#define PTR(type) ((type)(u32)next())

static void readMatcher(Matcher *m) {
  m->empty = next();
  m->topicCount = next();
  m->nodeSig = PTR(const u64 *);
  m->nodeNext = PTR(const i32 *);
  m->nodeTopicStart = PTR(const i32 *);
  m->nodeTopics = PTR(const i32 *);
  m->edges = PTR(const Edge *);
  m->edgeMask = (u32)next();
  m->words = PTR(const WordInfo *);
  m->pairFirst = PTR(const i32 *);
  m->pairSecond = PTR(const i32 *);
  m->pairStart = PTR(const i32 *);
  m->pairEnd = PTR(const i32 *);
  m->pairMask = (u32)next();
  m->gByPair = PTR(const i32 *);
  m->gWordStart = PTR(const i32 *);
  m->gWords = PTR(const i32 *);
  m->gGap = PTR(const i32 *);
  m->gTopicStart = PTR(const i32 *);
  m->gTopics = PTR(const i32 *);
}

EXPORT("init") void init(const i32 *header) {
  hp = header;
  tab = PTR(i32 *);
  aSlots = PTR(const i32 *);
  aMask = (u32)next();
  gIds = PTR(const i32 *);
  gHashes = PTR(const i32 *);
  gMask = (u32)next();
  vchars = PTR(const u16 *);
  vstarts = PTR(const i32 *);
  maxLength = (u32)next();
  lengthBits = (u32)next();
  cur = PTR(u16 *);
  curMask = (u32)next();
  seqBuf = PTR(i32 *);
  topicStamp = PTR(i32 *);
  topicTotal = next();
  fast = PTR(FastSlot *);
  fastBits = (u32)next();
  vocabSize = next();
  readMatcher(&M[0]);
  readMatcher(&M[1]);
  epoch = 0;
  /* No key has all bits set (its bytes are case-folded: bit 0x20 clear). */
  for (u32 k = 0; k <= RECENT_MASK; k++) {
    recent[k].a = recent[k].b = ~0ull;
    recent[k].id = -1;
  }
  for (i32 n = 0; n <= 16; n++) {
    u8 bytes[16];
    for (i32 k = 0; k < 16; k++) bytes[k] = k < n ? 0xdf : 0;
    foldMask[n] = wasm_v128_load(bytes);
  }
  /* The fast path's table: every word of at most 16 ASCII letters and digits, keyed by its
   * bytes (the JavaScript side sized it at most half full and set every id to -1). */
  u32 mask = (1u << fastBits) - 1;
  for (i32 id = 0; id < vocabSize; id++) {
    i32 start = vstarts[id], len = vstarts[id + 1] - start;
    if (len == 0 || len > 16) continue;
    u64 a = 0, b = 0;
    i32 k = 0;
    for (; k < len; k++) {
      u32 u = vchars[start + k];
      if (u >= 128 || CODE[u] == 0) break;
      if (k < 8) a |= (u64)(u & 0xdf) << (8 * k);
      else b |= (u64)(u & 0xdf) << (8 * (k - 8));
    }
    if (k < len) continue;
    u32 slot = fastHash(a, b);
    while (fast[slot].id >= 0) slot = (slot + 1) & mask;
    fast[slot].a = a;
    fast[slot].b = b;
    fast[slot].id = id;
  }
}

/* How many phrase words a block may have (at most SCAN_MAX): past it, the block overflows. */
EXPORT("setScan") void setScan(i32 cap) { scanCap = cap < SCAN_MAX ? cap : SCAN_MAX; }

/* Why the last `detect` stopped early: 1 = the topics output is full, 2 = the scan buffer is. */
EXPORT("status") i32 getStatus(void) { return status; }

static i32 findExact(u32 lo, u32 hi) {
  u32 slot = mix(lo, hi) & aMask;
  for (;;) {
    u32 at = slot << 2;
    i32 id = aSlots[at];
    if (id < 0 || ((u32)aSlots[at + 1] == lo && (u32)aSlots[at + 2] == hi)) return id;
    slot = (slot + 1) & aMask;
  }
}

static i32 sameAsCurrent(i32 id, u32 length) {
  u32 start = (u32)vstarts[id];
  if ((u32)vstarts[id + 1] - start != length) return 0;
  for (u32 k = 0; k < length; k++)
    if (vchars[start + k] != cur[k]) return 0;
  return 1;
}

static i32 findLong(u32 lo, u32 hiBits, u32 length) {
  u32 hi = hiBits | LONG;
  u32 slot = mix(lo, hi) & aMask;
  for (;;) {
    u32 at = slot << 2;
    i32 id = aSlots[at];
    if (id < 0) return -1;
    if ((u32)aSlots[at + 1] == lo && (u32)aSlots[at + 2] == hi && sameAsCurrent(id, length)) return id;
    slot = (slot + 1) & aMask;
  }
}

static i32 findGeneral(u32 length) {
  u32 h = FNV_OFFSET;
  for (u32 k = 0; k < length; k++) h = (h ^ cur[k]) * FNV_PRIME;
  u32 slot = h & gMask;
  for (;;) {
    i32 id = gIds[slot];
    if (id < 0) return -1;
    if ((u32)gHashes[slot] == h && sameAsCurrent(id, length)) return id;
    slot = (slot + 1) & gMask;
  }
}

static inline void wordEnd(u32 len, u32 lo, u32 hi, u32 other) {
  if (len <= maxLength && (lengthBits & (len < 31 ? 1u << len : 1u << 31)) != 0) {
    i32 id = other ? findGeneral(len) : len <= EXACT_LENGTH ? findExact(lo, hi) : findLong(lo, hi, len);
    if (id >= 0) {
      scanSig[(id >> 6) & 1] |= 1ull << (id & 63);
      if (scanCount < scanCap) {
        scanIds[scanCount] = id;
        scanPos[scanCount] = nwords;
        scanCount++;
      } else {
        overflow = 1;
      }
    }
  }
  nwords++;
}

/* A word that ends (a separator, a sequence's break, or the end) is looked up and counted. */
#define END_WORD()                       \
  do {                                   \
    wordEnd(len, lo, hi, other);         \
    len = lo = hi = other = 0;           \
  } while (0)

/*
 * The general path, one code unit at a time through the table, from text[*at] (no word in
 * progress) until no word is in progress again, or the end. Handles what
 * the fast path leaves: non-ASCII text, apostrophes, words longer than 16 units. Leaves `*at`
 * after the last unit it took.
 */
static void slowWord(const u16 *text, i32 *at, i32 to) {
  u32 len = 0, lo = 0, hi = 0, other = 0;
  i32 i = *at;
  while (i < to) {
    u32 c = text[i];
    i32 e = tab[c];
    if (e >= 0) {
      u32 code = (u32)e & 63;
      hi = ((hi << 6) | (lo >> 24)) & MASK30;
      lo = ((lo << 6) | code) & MASK30;
      cur[len & curMask] = (u16)(e >> 8);
      other |= code == 0;
      len++;
      i++;
      continue;
    }
    if (e == UNKNOWN) {
      tab[c] = js_entry((i32)c);
      continue; /* again, with its entry */
    }
    i++;
    if (e == BREAK) {
      if (len > 0) END_WORD();
      break;
    }
    if (e == SKIP) {
      if (len > 0) continue;
      break;
    }
    i32 n;
    if (e == HIGH_SURROGATE) {
      u32 d = i < to ? text[i] : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        n = js_sequence((i32)(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000), seqBuf);
        i++;
      } else {
        seqBuf[0] = -1; /* a lone high surrogate: a break */
        n = 1;
      }
    } else {
      n = js_sequence((i32)c, seqBuf); /* COMPLEX */
    }
    for (i32 k = 0; k < n; k++) {
      i32 u = seqBuf[k];
      if (u >= 0) {
        u32 code = u < 128 ? CODE[u] : 0;
        hi = ((hi << 6) | (lo >> 24)) & MASK30;
        lo = ((lo << 6) | code) & MASK30;
        cur[len & curMask] = (u16)u;
        other |= code == 0;
        len++;
      } else if (len > 0) {
        END_WORD();
      }
    }
    if (len == 0) break;
  }
  if (i >= to && len > 0) END_WORD();
  *at = i;
}

#define SPLAT8(x) wasm_i8x16_splat((i8)(x))

/*
 * Classifies 16 code units: bit k of `*token` is set when unit k is a letter or digit, the
 * apostrophe or non-ASCII (a unit that may be part of a word); of `*special`, when it is the
 * apostrophe or non-ASCII, or DEL (a unit only the general path handles). Everything else is an
 * ASCII separator. The units are narrowed to bytes with signed saturation (ASCII stays, 128 and
 * up become 127 or a negative byte), then range checks are signed compares of biased bytes (one
 * instruction each on x64).
 */
static inline void classify16(const u16 *p, u32 *token, u32 *special) {
  v128_t b = wasm_i8x16_narrow_i16x8(wasm_v128_load(p), wasm_v128_load(p + 8));
  v128_t l = wasm_v128_or(b, SPLAT8(0x20));
  v128_t alpha = wasm_i8x16_lt(wasm_i8x16_add(l, SPLAT8(128 - 'a')), SPLAT8(-128 + 26));
  v128_t digit = wasm_i8x16_lt(wasm_i8x16_add(b, SPLAT8(128 - '0')), SPLAT8(-128 + 10));
  v128_t high = wasm_i8x16_gt(wasm_v128_xor(b, SPLAT8(0x80)), SPLAT8(126 ^ 0x80)); /* unsigned b > 126 */
  v128_t s = wasm_v128_or(high, wasm_i8x16_eq(b, SPLAT8('\'')));
  *token = (u32)wasm_i8x16_bitmask(wasm_v128_or(wasm_v128_or(alpha, digit), s));
  *special = (u32)wasm_i8x16_bitmask(s);
}

static const u8 IOTA[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

/* Window of the scan: 64 units are classified at once; the next window starts after the last
 * word that ends inside this one. */
#define WINDOW 64

/*
 * Tokenize text[from .. to) and record its phrase words (scanCount, nwords); 0 if the buffer
 * overflowed. Fast path: 64 units are classified at once into bit masks; each run of word units
 * in them that is a word of at most 16 ASCII letters and digits (and at most one apostrophe,
 * which is dropped; nothing non-ASCII; ended by an ASCII separator or the block's end) is keyed
 * from one load at its start (narrowed to bytes, case-folded) and looked up in the recent words,
 * then in one probe sequence of `fast`. Any other run takes the general path from its first
 * unit, and the scan goes on where that path stopped (in the same window if it stopped inside
 * it). (The text region is padded: loads may run past `to`.)
 */
static i32 scan(const u16 *text, i32 from, i32 to) {
  /* Locals while on the fast path (stores to the buffers could alias the globals). */
  i32 cnt = 0, nw = 0;
  scanSig[0] = scanSig[1] = 0;
  i32 *const ids = scanIds, *const positions = scanPos;
  const i32 cap = scanCap;
  const u32 mask = (1u << fastBits) - 1;
  const FastSlot *table = fast;
  i32 i = from;
  while (i < to) {
    /* A window adds at most 32 words (a word and a separator take two units): past `cap`, the
     * block overflows (the JavaScript engine answers it). */
    if (cnt > cap) break;
    const u16 *p = text + i;
    u64 token = 0, special = 0;
    for (int q = 0; q < WINDOW / 16; q++) {
      u32 t, s;
      classify16(p + 16 * q, &t, &s);
      token |= (u64)t << (16 * q);
      special |= (u64)s << (16 * q);
    }
    i32 room = to - i;
    i32 limit;
    if (room < WINDOW) {
      u64 valid = (1ull << room) - 1;
      token &= valid;
      special &= valid;
      limit = room;
    } else {
      /* A run that reaches the window's end is left to the next window, which starts with it
       * (unless it fills the window: it is longer than 16 units, the general path's). */
      u64 rest = ~token;
      limit = rest == 0 ? WINDOW : 64 - __builtin_clzll(rest);
    }
    /* Runs of word units: `starts` has the first unit of each run that starts in the first
     * `limit` units, `ends` the last unit of each run in the window: the k-th start and the
     * k-th end are one run, so a run's length needs no shifts. */
    u64 starts = token & ~(token << 1) & (~0ull >> (64 - limit));
    const u64 allEnds = token & ~(token >> 1);
    u64 ends = allEnds;
    u64 sp = special;
    i32 slowAt;
  words:
    slowAt = -1;
    while (starts != 0) {
      u32 s = (u32)__builtin_ctzll(starts);
      u64 upto = ends ^ (ends - 1); /* units 0 .. the run's last */
      u32 len = (u32)__builtin_ctzll(ends) + 1 - s;
      u64 runSpecial = sp & upto;
      sp ^= runSpecial;
      ends &= ends - 1;
      if (len > 16) {
        slowAt = i + (i32)s;
        break;
      }
      const u16 *w = p + s;
      /* Bytes (units past 255 saturate; they are past the word or non-ASCII). */
      v128_t bytes = wasm_u8x16_narrow_i16x8(wasm_v128_load(w), wasm_v128_load(w + 8));
      u32 n = len;
      if (runSpecial != 0) {
        /* One apostrophe in an ASCII word is dropped (as the table's SKIP entry does); more, or
         * anything non-ASCII, take the general path. */
        runSpecial >>= s;
        u32 apostrophe = (u32)wasm_i8x16_bitmask(wasm_i8x16_eq(bytes, wasm_i8x16_splat('\''))) & ((1u << len) - 1);
        if (apostrophe != runSpecial || (apostrophe & (apostrophe - 1)) != 0 || len == 1) {
          slowAt = i + (i32)s;
          break;
        }
        v128_t iota = wasm_v128_load(IOTA);
        v128_t after = wasm_i8x16_gt(iota, wasm_i8x16_splat((i8)(__builtin_ctz(apostrophe) - 1)));
        bytes = wasm_i8x16_swizzle(bytes, wasm_i8x16_sub(iota, after));
        n = len - 1;
      }
      bytes = wasm_v128_and(bytes, foldMask[n]);
      u64 a = wasm_u64x2_extract_lane(bytes, 0);
      u64 b = wasm_u64x2_extract_lane(bytes, 1);
      /* The recent words first: text repeats its frequent words, so most lookups end at one
       * compare in a small table, for phrase words and other words alike. */
      u64 h = keyHash(a, b);
      FastSlot *c = &recent[(u32)(h >> 32) & RECENT_MASK];
      i32 id;
      if (c->a == a && c->b == b) {
        id = c->id;
      } else {
        u32 slot = (u32)(h >> (64 - fastBits));
        for (;;) {
          const FastSlot *f = &table[slot];
          id = f->id;
          if (id < 0 || (f->a == a && f->b == b)) break;
          slot = (slot + 1) & mask;
        }
        c->a = a;
        c->b = b;
        c->id = id;
      }
      /* Branch-free: the buffer has room past `cap` for a window's words (see the window's check). */
      ids[cnt] = id;
      positions[cnt] = nw;
      i32 hit = id >= 0;
      cnt += hit;
      scanSig[(id >> 6) & 1] |= (u64)hit << (id & 63);
      nw++;
      starts &= starts - 1;
    }
    if (slowAt >= 0) {
      scanCount = cnt;
      nwords = nw;
      overflow = 0;
      i32 at = slowAt;
      slowWord(text, &at, to);
      if (overflow) return 0;
      cnt = scanCount;
      nw = nwords;
      u32 rr = (u32)(at - i);
      if (rr >= (u32)limit) {
        i = at;
        continue;
      }
      /* Still inside this window: on from where the general path stopped (a run may start there). */
      starts &= ~0ull << rr;
      starts |= ((token >> rr) & 1) << rr;
      ends = allEnds & (~0ull << rr);
      sp = special & (~0ull << rr);
      goto words;
    }
    i += limit;
  }
  scanCount = cnt;
  nwords = nw;
  return cnt <= cap;
}

/* The automaton's transition from `state` on word w (whose transition from the root is
 * rootNext). Mostly one load and test: the node's signature lacks the word's bit (a node whose
 * walk goes on past its own transitions has every bit set). */
static inline i32 step(const Matcher *m, i32 state, i32 w, i32 rootNext) {
  i32 s = state;
  while (((m->nodeSig[s] >> (w & 63)) & 1) != 0) {
    u32 slot = edgeSlot((u32)s, (u32)w, m->edgeMask);
    for (;;) {
      const Edge *e = &m->edges[slot];
      if (e->from == -1) break;
      if (e->from == s && e->word == w) return e->to;
      slot = (slot + 1) & m->edgeMask;
    }
    s = m->nodeNext[s];
  }
  return rootNext;
}

static i32 pairSlot(const Matcher *m, i32 first, i32 second) {
  u32 slot = edgeSlot((u32)first, (u32)second, m->pairMask);
  for (;;) {
    i32 f = m->pairFirst[slot];
    if (f == -1) return -1;
    if (f == first && m->pairSecond[slot] == second) return (i32)slot;
    slot = (slot + 1) & m->pairMask;
  }
}

static i32 gappedRest(const i32 *ids, const i32 *positions, i32 count, i32 k, const i32 *words, i32 nWords, i32 gap) {
  i32 prev = positions[k];
  i32 at = k;
  for (i32 x = 2; x < nWords; x++) {
    i32 want = words[x];
    i32 limit = prev + 1 + gap;
    at++;
    while (at < count && positions[at] <= limit && ids[at] != want) at++;
    if (at >= count || positions[at] > limit) return 0;
    prev = positions[at];
  }
  return 1;
}

/* The topics of text[from .. to) (detector.ts' topicIndexes), written to `found`; -1 if the scan
 * buffer overflowed. */
static i32 topicIndexes(const Matcher *m, const u16 *text, i32 from, i32 to, i32 *found) {
  if (m->empty) return 0;
  if (!scan(text, from, to)) return -1;
  /* Locals: stores to `found` and `stamps` could alias the globals, and would reload them. */
  const i32 count = scanCount;
  const i32 *ids = scanIds, *positions = scanPos;
  i32 *stamps = topicStamp;
  if (count == 0) return 0;
  if (epoch == 0x7fffffff) {
    for (i32 t = 0; t < topicTotal; t++) stamps[t] = 0;
    epoch = 0;
  }
  i32 stamp = ++epoch;
  /* Gapped patterns need their second word in the block (the scan's signature of its words). */
  const u64 sig0 = scanSig[0], sig1 = scanSig[1];
  i32 n = 0, state = 0, last = -2;
  i32 seen[MAX_GAP + 1];
  for (i32 j = 0; j < count; j++) {
    i32 w = ids[j];
    i32 p = positions[j];
    const WordInfo *info = &m->words[w];
    if (p != last + 1) state = 0;
    last = p;
    state = step(m, state, w, info->rootNext);
    for (i32 k = m->nodeTopicStart[state], end = m->nodeTopicStart[state + 1]; k < end; k++) {
      i32 t = m->nodeTopics[k];
      if (stamps[t] != stamp) {
        stamps[t] = stamp;
        found[n++] = t;
      }
    }
    /* A word that starts no gapped pattern has an empty signature: one test, mostly false. */
    if (((info->second[0] & sig0) | (info->second[1] & sig1)) != 0) {
      i32 limit = p + 1 + info->maxGap;
      i32 nSeen = 0;
      for (i32 k = j + 1; k < count && positions[k] <= limit; k++) {
        u32 v = (u32)ids[k];
        if (((info->second[(v >> 6) & 1] >> (v & 63)) & 1) == 0) continue;
        i32 dup = 0;
        for (i32 x = 0; x < nSeen; x++) {
          if (seen[x] == (i32)v) {
            dup = 1;
            break;
          }
        }
        if (dup) continue;
        seen[nSeen++] = (i32)v;
        i32 slot = pairSlot(m, w, (i32)v);
        if (slot < 0) continue;
        i32 distance = positions[k] - p - 1;
        for (i32 g = m->pairStart[slot], end = m->pairEnd[slot]; g < end; g++) {
          i32 pat = m->gByPair[g];
          i32 gap = m->gGap[pat];
          if (gap < distance) break;
          const i32 *pTopics = m->gTopics + m->gTopicStart[pat];
          i32 nTopics = m->gTopicStart[pat + 1] - m->gTopicStart[pat];
          i32 pending = 0;
          for (i32 x = 0; x < nTopics; x++) {
            if (stamps[pTopics[x]] != stamp) {
              pending = 1;
              break;
            }
          }
          if (!pending) continue;
          const i32 *words = m->gWords + m->gWordStart[pat];
          if (!gappedRest(ids, positions, count, k, words, m->gWordStart[pat + 1] - m->gWordStart[pat], gap)) continue;
          for (i32 x = 0; x < nTopics; x++) {
            i32 t = pTopics[x];
            if (stamps[t] != stamp) {
              stamps[t] = stamp;
              found[n++] = t;
            }
          }
        }
      }
    }
    if (n == m->topicCount) return n;
  }
  return n;
}

/*
 * Blocks k0 .. n - 1 of a batch: block k is text[starts[k] .. starts[k + 1] - 1) (one separator
 * unit follows each block), spoken by participants[k] (0 external, 1 internal). Its topics go to
 * topics[offsets[k] .. offsets[k + 1]) (offsets[k0] is set by the caller). Returns the number of
 * blocks done: n, or less when an output is full (see `status`; the caller makes room and calls
 * again from there).
 */
EXPORT("detect")
i32 detect(const u16 *text, const i32 *starts, const u8 *participants, i32 n, i32 *offsets, i32 *topics, i32 topicsCap, i32 k0) {
  status = 0;
  i32 used = offsets[k0];
  for (i32 k = k0; k < n; k++) {
    const Matcher *m = &M[participants[k] & 1];
    if (used + m->topicCount > topicsCap) {
      status = 1;
      return k;
    }
    i32 found = topicIndexes(m, text, starts[k], starts[k + 1] - 1, topics + used);
    if (found < 0) {
      status = 2;
      return k;
    }
    used += found;
    offsets[k + 1] = used;
  }
  return n;
}

extern u8 __heap_base;
/* First free byte after the module's own data and stack: the JavaScript side lays out from here. */
EXPORT("heapBase") u32 heapBase(void) { return (u32)&__heap_base; }
