/**
 * ES futures market model of the simulator: latent price with volatility clustering and fat tails,
 * queue-reactive limit order books, metaorder-correlated trades, sweeps, and walls and vacuums at the day's
 * structural levels. See MODEL.md.
 *
 * @module
 */
export { BOOK_CAPACITY, BookSide, MIN_DEPTH, OrderBook, VISIBLE_LEVELS } from './book.js';
export { EventWriter, type FeedCounts, FeedInstrument, PriceCache, UNITS_PER_TICK } from './emitter.js';
export {
  type BookAction,
  LevelEventPlanner,
  type MarketControl,
  type PlannerClock,
  type RegimeKind,
  type RegimeRecord,
} from './events.js';
export { METAORDER_LOYALTY, METAORDER_MAX, METAORDER_TAIL, orderSize, SignProcess, tradeSize } from './flow.js';
export {
  EXIT_DWELL_NS,
  LEVEL_KINDS,
  type LevelAnchor,
  type LevelClock,
  type LevelKind,
  LevelTracker,
  MAX_CLOSES,
  MONITOR_BAND_TICKS,
  SMA_BAR_NS,
  TOUCH_BAND_TICKS,
} from './levels.js';
export {
  type FuturesDayResult,
  type FuturesSimOptions,
  MID_HYSTERESIS,
  simulateFuturesDay,
  TICK_SIZE,
} from './model.js';
export {
  activityProfile,
  depthProfile,
  INNOVATION_NU,
  innovation,
  LONG_RUN_VOL,
  sigmaPerSecond,
  VolatilityState,
  volatilityProfile,
  YEAR_SECONDS,
} from './process.js';
