/** A module that is no preprocessing handler (it exports no `handle`): the pool must refuse to start. */
export const notAHandler = true;
