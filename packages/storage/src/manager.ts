import type { Driver, DriverClass } from './driver.js';
import { normalizeLocationName } from './env/location-names.js';
import { type EnvLocation, readStorageEnv } from './env/read-storage-env.js';
import {
  InvalidConfigError,
  InvalidOptionError,
  InvalidStorageConfigError,
  nameOption,
  UnknownLocationError,
} from './errors.js';
import {
  describeOptionIssues,
  locationProblem,
  type OptionContext,
  optionIssuesOf,
  redactSecrets,
} from './option-problems.js';

/**
 * A DriverClass whatever its options. `DriverClass<unknown>` would refuse every real
 * driver (its constructor wants its own options, not unknown); the manager only ever
 * constructs a class with what that class's own schema parsed.
 */
export interface AnyDriverClass {
  new (options: never): Driver;
  readonly optionsSchema: { parse(input: unknown): unknown };
}

/** Imports a driver package only once a location uses it: `() => import('@stowage/storage-driver-s3')`. */
export type DriverLoader = () => Promise<AnyDriverClass | { default: AnyDriverClass }>;

export interface LocationConfig {
  driver: string;
  /** Validated and coerced by the driver's `optionsSchema`. */
  options?: Record<string, unknown>;
}

interface RegisteredLocation {
  driver: Driver;
  driverName: string;
}

/** A location about to be created, and how its problems name things. */
interface LocationSetup {
  /** What problems about the driver name start with: its variable, or the location. */
  driverSubject: string;
  options: OptionContext;
}

type SetupResult = { driver: Driver; problems?: undefined } | { problems: string[]; causes: unknown[] };

/**
 * The storage locations of the application, each a driver instance built from its
 * options. Registration is all or nothing: a failing `loadFromEnv` registers no location.
 */
export class StorageManager {
  readonly #loaders = new Map<string, DriverLoader>();
  readonly #loadedDrivers = new Map<string, Promise<AnyDriverClass>>();
  /** In registration order; undefined while the location is being set up (the name is taken). */
  readonly #locations = new Map<string, RegisteredLocation | undefined>();

  registerDriver(name: string, load: DriverLoader): void {
    const driverName = normalizeDriverName(name);
    if (this.#loaders.has(driverName)) {
      throw new InvalidConfigError(`driver "${driverName}" is already registered`);
    }
    this.#loaders.set(driverName, load);
  }

  /** Loads the driver (lazily imported), validates options with driver.optionsSchema, constructs it. */
  async registerLocation(name: string, config: LocationConfig): Promise<Driver> {
    let location: string;
    try {
      location = normalizeLocationName(name);
    } catch (error) {
      throw new InvalidStorageConfigError([messageOf(error)]);
    }
    const options: OptionContext = {
      location,
      driver: normalizeDriverName(config.driver),
      rawOptions: config.options ?? {},
      name: nameOption,
      inContext: (message) => `location "${location}": ${message}`,
    };
    const [driver] = await this.#register([{ driverSubject: `location "${location}"`, options }], []);
    return driver!;
  }

  /**
   * Reads STORAGE_* (see readStorageEnv) and registers every location; throws one
   * InvalidStorageConfigError listing every problem, each naming its variable.
   */
  async loadFromEnv(env: Record<string, string | undefined> = process.env): Promise<void> {
    const { locations, problems } = readStorageEnv(env);
    await this.#register(locations.map(envSetup), problems);
  }

  /** The driver of a location; UnknownLocationError when none has that name. */
  location(name: string): Driver {
    return this.#registered(name).driver;
  }

  has(name: string): boolean {
    return this.#locations.get(name.toLowerCase()) !== undefined;
  }

  /** In registration order (= `STORAGE_LOCATIONS` order). */
  get locationNames(): string[] {
    return [...this.#locations].filter(([, registered]) => registered !== undefined).map(([name]) => name);
  }

  /** The first location registered; InvalidConfigError when there is none. */
  get defaultLocationName(): string {
    const [first] = this.locationNames;
    if (first === undefined) {
      throw new InvalidConfigError('No storage location is registered (set STORAGE_LOCATIONS)');
    }
    return first;
  }

  driverNameOf(location: string): string {
    return this.#registered(location).driverName;
  }

  #registered(name: string): RegisteredLocation {
    const registered = this.#locations.get(name.toLowerCase());
    if (registered === undefined) throw new UnknownLocationError(name);
    return registered;
  }

  /** Sets up every location, then registers all of them or, on any problem, none. */
  async #register(setups: readonly LocationSetup[], earlierProblems: readonly string[]): Promise<Driver[]> {
    const problems = [...earlierProblems];
    const causes: unknown[] = [];
    const reserved = setups.filter(({ options: { location } }) => {
      if (!this.#locations.has(location)) return true;
      problems.push(`location "${location}" is already registered`);
      return false;
    });
    for (const { options } of reserved) this.#locations.set(options.location, undefined);

    const results = await Promise.all(reserved.map((setup) => this.#setUp(setup)));
    for (const result of results) {
      if (result.problems === undefined) continue;
      problems.push(...result.problems);
      causes.push(...result.causes);
    }
    if (problems.length > 0) {
      for (const { options } of reserved) this.#locations.delete(options.location);
      const cause = causes.length > 1 ? new AggregateError(causes) : causes[0];
      throw new InvalidStorageConfigError(problems, cause === undefined ? undefined : { cause });
    }
    return reserved.map(({ options }, index) => {
      const driver = (results[index] as { driver: Driver }).driver;
      this.#locations.set(options.location, { driver, driverName: options.driver });
      return driver;
    });
  }

  async #setUp({ driverSubject, options }: LocationSetup): Promise<SetupResult> {
    const driverName = options.driver;
    const fail = (problem: string, cause?: unknown): SetupResult => ({
      problems: [redactSecrets(problem, options)],
      causes: cause === undefined ? [] : [cause],
    });
    const loader = this.#loaders.get(driverName);
    if (loader === undefined) {
      const known = [...this.#loaders.keys()].sort().join(', ') || 'none';
      return fail(`${driverSubject}: unknown driver "${driverName}" (known: ${known})`);
    }
    let Class: AnyDriverClass;
    try {
      Class = await this.#load(driverName, loader);
    } catch (error) {
      return fail(`${driverSubject}: driver "${driverName}" could not be loaded: ${messageOf(error)}`, error);
    }

    let parsed: unknown;
    try {
      parsed = Class.optionsSchema.parse(options.rawOptions);
    } catch (error) {
      const issues = optionIssuesOf(error);
      if (issues === undefined) return fail(locationProblem(options, messageOf(error)), error);
      return {
        problems: describeOptionIssues(issues, options).map((problem) => redactSecrets(problem, options)),
        causes: [error],
      };
    }
    try {
      return { driver: new (Class as DriverClass)(parsed) };
    } catch (error) {
      if (error instanceof InvalidOptionError)
        return fail(options.inContext(error.describe(options.name)), error);
      return fail(locationProblem(options, messageOf(error)), error);
    }
  }

  /** Each driver is imported once, however many locations use it; a failed import is retried. */
  #load(driverName: string, loader: DriverLoader): Promise<AnyDriverClass> {
    let loading = this.#loadedDrivers.get(driverName);
    if (loading === undefined) {
      loading = loader().then((loaded) => {
        const Class = typeof loaded === 'function' ? loaded : loaded?.default;
        if (typeof Class !== 'function' || typeof Class.optionsSchema?.parse !== 'function') {
          throw new InvalidConfigError('it exports no driver class (a class with a static optionsSchema)');
        }
        return Class;
      });
      loading.catch(() => this.#loadedDrivers.delete(driverName));
      this.#loadedDrivers.set(driverName, loading);
    }
    return loading;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function normalizeDriverName(name: string): string {
  return name.trim().toLowerCase();
}

function envSetup(location: EnvLocation): LocationSetup {
  return {
    driverSubject: location.driverVariable,
    options: {
      location: location.name,
      driver: normalizeDriverName(location.driver),
      rawOptions: location.options,
      name: location.variableOf,
      // Variable names already say which location they belong to.
      inContext: (message) => message,
    },
  };
}
