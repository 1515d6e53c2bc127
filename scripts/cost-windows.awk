# Per counted window, from scripts/cost-attrib.awk's output (with
# scripts/cost-components.awk loaded first): one line
#   TAG USER KERNEL NVME_KV NVMET_KV NVMET_TRANSPORT NVME_HOST RDMA BLOCK_NVME NIC OTHER
$1 == "w" { user[$2] = $3; kern[$2] = $4 + $5; tags[$2] = 1 }
$1 == "m" { c[$2, comp($3)] += $4 }
END {
	for (t in tags)
		print t, user[t], kern[t], c[t, "nvme_kv"] + 0, c[t, "nvmet_kv"] + 0,
		      c[t, "nvmet_transport"] + 0, c[t, "nvme_host"] + 0, c[t, "rdma"] + 0,
		      c[t, "block_nvme"] + 0, c[t, "nic"] + 0, c[t, "other_modules"] + 0
}
