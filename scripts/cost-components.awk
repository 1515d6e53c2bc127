# The components a guest's instructions are split into, by module (the
# names of /sys/module): used with -f before a program that calls
# comp(); set role=host or role=target (-v) for the guest the counts are
# from.  The kernel image (block layer, network stack, scheduler) is the
# "kernel" bucket of the plugin's windows, user space its "user".
function comp(m) {
	if (m == "nvmet_kv") return "nvmet_kv"
	if (m == "nvme_kv") return "nvme_kv"
	if (m ~ /^(nvmet|nvmet_tcp|nvmet_rdma|nvme_loop)$/) return "nvmet_transport"
	if (m ~ /^(rdma_rxe|ib_core|ib_uverbs|rdma_cm|iw_cm|ib_cm)$/) return "rdma"
	if (m ~ /^(nvme_fabrics|nvme_tcp|nvme_rdma)$/) return "nvme_host"
	# nvme-core is the NVMe host stack on the host guest, and the core of
	# the drives' PCIe driver on the target guest
	if (m == "nvme_core") return role == "host" ? "nvme_host" : "block_nvme"
	if (m ~ /^(nvme|brd|virtio_blk)$/) return "block_nvme"
	if (m == "virtio_net") return "nic"
	return "other_modules"
}
