/* cmd.h -- what the program does from a shell: --check-config (load the
 * configuration, fetch discovery and keys, say what was found; exit 0
 * only when all is well) and --asap-key-name (the file name Jitsi's key
 * server mode fetches the public key as). */
#ifndef JO_CMD_H
#define JO_CMD_H

int	 jo_cmd_check_config(void);
int	 jo_cmd_asap_key_name(void);

#endif
