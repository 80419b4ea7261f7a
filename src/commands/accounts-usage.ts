/** The operator's account commands, as `sohoa help` lists them (kept apart so help loads no database code). */
export const accountsUsage = `  sohoa units add --code CODE --name NAME [--parent CODE] [--kind KIND]
  sohoa units import FILE          a JSON array or CSV (code,name,parent[,kind]); all or nothing
  sohoa units list
  sohoa units target CODE SHARE    the unit's digitization-rate target: 0.85 or 85% (default 0.8)
  sohoa users add --unit CODE --role ROLE[,ROLE…] --username NAME [--name "DISPLAY NAME"]
                                   prints a generated password once (--role admin needs no --unit)
  sohoa users list [--unit CODE] | users disable --username NAME | users reset-password --username NAME
  sohoa keys create --name NAME --units CODE[,CODE…] --scopes SCOPE[,SCOPE…] [--owner CODE] [--expires ISO-DATE]
                                   prints the API key once, alone on the last line
  sohoa keys list | keys revoke ID
                                   (these talk to the database of DATA_DIR, or DATABASE_URL)`;
