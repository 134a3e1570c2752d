/** A database statement refused because the "database down" fault is in effect. */
export class DbDownError extends Error {
  constructor() {
    super('the database is down')
    this.name = 'DbDownError'
  }
}
